namespace PveOperator.IntegrationTests.Kubernetes136;

/// <summary>A fact of the 1.36 CRD tier: skipped, with the reason, when the tier's server could not be built here.</summary>
public sealed class Kubernetes136FactAttribute : FactAttribute
{
    public Kubernetes136FactAttribute()
    {
        if (CrdTier.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
