using Microsoft.Extensions.Hosting;

namespace PveSimulator.Hosting;

/// <summary>
/// Replaces the console lifetime: a simulator inside a test process must not hook Ctrl+C or SIGTERM,
/// and the standalone program handles those itself.
/// </summary>
internal sealed class PassiveHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
