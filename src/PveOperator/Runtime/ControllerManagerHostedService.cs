using Microsoft.Extensions.Hosting;

namespace PveOperator.Runtime;

/// <summary>Runs a <see cref="ControllerManager"/> for the lifetime of the host.</summary>
internal sealed class ControllerManagerHostedService(ControllerManager manager) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => manager.RunAsync(stoppingToken);
}
