using Microsoft.Extensions.Logging;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Controllers.Fakes;

/// <summary>
/// Builds real <see cref="PveClient"/>s, as the operator's factory does, but with retry delays of milliseconds so a
/// test of transient failures does not wait; remembers the settings the reconciler asked for and each client.
/// </summary>
internal sealed class SimulatorClientFactory(ILoggerFactory loggerFactory) : IPveClientFactory
{
    public List<(PveClientSettings Settings, PveClient Client)> Created { get; } = [];

    public PveClient Last => Created[^1].Client;

    public IPveClient Create(PveClientSettings settings)
    {
        var client = new PveClient(settings with { RetryBaseDelay = TimeSpan.FromMilliseconds(1), RetryMaxDelay = TimeSpan.FromMilliseconds(5) },
            loggerFactory.CreateLogger<PveClient>());
        Created.Add((settings, client));
        return client;
    }
}
