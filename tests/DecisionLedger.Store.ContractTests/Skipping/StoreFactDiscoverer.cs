using Xunit.Abstractions;
using Xunit.Sdk;

namespace DecisionLedger.Store.ContractTests.Skipping;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests, skipped with the class's <see cref="ContractSkipAttribute"/> reason.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    /// <inheritdoc />
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        if (ContractSkipAttribute.ReasonFor(testMethod.TestClass.Class.ToRuntimeType()) is { } reason)
        {
            return [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
        }

        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
