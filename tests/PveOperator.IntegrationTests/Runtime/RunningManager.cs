using PveOperator.Runtime;

namespace PveOperator.IntegrationTests.Runtime;

/// <summary>A manager running in the background for one test; disposing stops it gracefully.</summary>
internal sealed class RunningManager : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task run;

    public RunningManager(ControllerManager manager)
    {
        Manager = manager;
        run = Task.Run(() => manager.RunAsync(stop.Token));
    }

    public ControllerManager Manager { get; }

    public Task Run => run;

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Eventually.CompletesAsync(run, "the manager stopped", TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stop.Dispose();
    }
}
