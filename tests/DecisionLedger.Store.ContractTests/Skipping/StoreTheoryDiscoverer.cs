using Xunit.Abstractions;
using Xunit.Sdk;

namespace DecisionLedger.Store.ContractTests.Skipping;

/// <summary>Discovers <see cref="StoreTheoryAttribute"/> tests, skipped with the class's <see cref="ContractSkipAttribute"/> reason.</summary>
public sealed class StoreTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    /// <inheritdoc />
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute)
    {
        if (ContractSkipAttribute.ReasonFor(testMethod.TestClass.Class.ToRuntimeType()) is { } reason)
        {
            // One skipped case for the whole theory: the base's skip path reads the reason from the attribute only.
            return [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
        }

        return base.Discover(discoveryOptions, testMethod, theoryAttribute);
    }
}
