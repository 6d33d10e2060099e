namespace PveSimulator.Model;

/// <summary>Runs an action once when disposed.</summary>
internal sealed class ScopeExit(Action onExit) : IDisposable
{
    private int _done;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            onExit();
        }
    }
}
