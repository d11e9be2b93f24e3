namespace DecisionLedger.Store.ContractTests.Skipping;

/// <summary>
/// Put on a class that inherits the store contract to skip every contract test at run time when
/// the store it needs is not available (for example, no PostgreSQL configured). The reason is read
/// when tests are discovered, so the suite is always compiled and the skip is shown per test.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public abstract class ContractSkipAttribute : Attribute
{
    /// <summary>Why the contract cannot run here, or null to run it.</summary>
    public abstract string? Reason { get; }

    /// <summary>The skip reason declared on <paramref name="testClass"/>, or null.</summary>
    internal static string? ReasonFor(Type testClass) =>
        testClass.GetCustomAttributes(typeof(ContractSkipAttribute), inherit: true)
            .OfType<ContractSkipAttribute>()
            .Select(attribute => attribute.Reason)
            .FirstOrDefault(reason => reason is not null);
}
