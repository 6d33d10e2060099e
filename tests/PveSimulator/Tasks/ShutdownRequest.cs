namespace PveSimulator.Tasks;

/// <summary>vzshutdown's parameters: lxc-stop --timeout, and whether to kill once it runs out.</summary>
internal sealed record ShutdownRequest(int TimeoutSeconds, bool ForceStop)
{
    public static ShutdownRequest Default { get; } = new(60, false);
}
