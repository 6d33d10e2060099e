using Microsoft.Extensions.Logging;

namespace PveOperator.Proxmox;

/// <summary>Creates real <see cref="PveClient"/>s that log through the host's logger factory and count into its metrics.</summary>
public sealed class PveClientFactory(ILoggerFactory loggerFactory, PveMetrics metrics) : IPveClientFactory
{
    public IPveClient Create(PveClientSettings settings) => new PveClient(settings, loggerFactory.CreateLogger<PveClient>(), metrics);
}
