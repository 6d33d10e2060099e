namespace PveOperator.Controllers;

/// <summary>A provider's readiness as its containers need to see it.</summary>
internal sealed record ProviderHealth(bool Ready, string Reason, string Message, bool Stalled)
{
    public static ProviderHealth Connecting { get; } = new(false, "Connecting", "connecting to the PVE API", Stalled: false);
}
