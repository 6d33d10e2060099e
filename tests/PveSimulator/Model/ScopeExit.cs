namespace PveSimulator.Model;

/// <summary>Runs an action once when disposed.</summary>
internal sealed class ScopeExit(Action onExit) : IDisposable
{
    private int done;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref done, 1) == 0)
        {
            onExit();
        }
    }
}
