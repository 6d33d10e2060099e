using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace PveOperator.Controllers;

/// <summary>The providers the operator is connected to, by ProxmoxProvider name.</summary>
/// <param name="retiredConnectionGrace">How long a replaced connection stays usable for reconciles that already hold it (default 60 s).</param>
/// <param name="clock">Times the grace period.</param>
internal sealed class ProviderRegistry(TimeSpan? retiredConnectionGrace = null, TimeProvider? clock = null) : IDisposable
{
    private readonly TimeProvider time = clock ?? TimeProvider.System;

    private readonly ConcurrentDictionary<string, ProviderConnection> connections = new(StringComparer.Ordinal);

    public bool TryGet(string providerName, [NotNullWhen(true)] out ProviderConnection? connection)
        => connections.TryGetValue(providerName, out connection);

    private readonly TimeSpan grace = retiredConnectionGrace ?? TimeSpan.FromSeconds(60);

    /// <summary>Stores the connection; the one it replaces, if any, is disposed after a grace period.</summary>
    public void Set(ProviderConnection connection)
    {
        ProviderConnection? replaced = null;
        connections.AddOrUpdate(connection.ProviderName, connection, (_, old) =>
        {
            replaced = old;
            return connection;
        });
        if (replaced is not null && !ReferenceEquals(replaced, connection))
        {
            // A reconcile may be in the middle of a request on the old client (a token was rotated, say).
            if (grace <= TimeSpan.Zero)
            {
                replaced.Dispose();
            }
            else
            {
                _ = Task.Delay(grace, time).ContinueWith(_ => replaced.Dispose(), TaskScheduler.Default);
            }
        }
    }

    public bool Remove(string providerName)
    {
        if (connections.TryRemove(providerName, out var connection))
        {
            connection.Dispose();
            connection.ActionSlots.Dispose();
            return true;
        }

        return false;
    }

    public IReadOnlyCollection<string> Names => connections.Keys.ToList();

    public void Dispose()
    {
        foreach (var name in connections.Keys)
        {
            Remove(name);
        }
    }
}
