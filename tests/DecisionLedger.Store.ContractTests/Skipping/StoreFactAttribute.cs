using Xunit.Sdk;

namespace DecisionLedger.Store.ContractTests.Skipping;

/// <summary>A contract fact: skipped at run time when the inheriting class carries a <see cref="ContractSkipAttribute"/> with a reason.</summary>
[XunitTestCaseDiscoverer("DecisionLedger.Store.ContractTests.Skipping.StoreFactDiscoverer", "DecisionLedger.Store.ContractTests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;
