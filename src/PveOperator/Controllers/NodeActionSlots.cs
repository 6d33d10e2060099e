namespace PveOperator.Controllers;

/// <summary>
/// Limits the power actions in flight per PVE node. A slot is held by a container key from the POST until its task
/// is seen ending, so a burst of starts queues here instead of failing inside PVE on lock timeouts.
/// </summary>
public sealed class NodeActionSlots(int maxPerNode)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, HashSet<string>> holders = new(StringComparer.Ordinal);

    public int MaxPerNode { get; } = maxPerNode;

    /// <summary>Takes a slot on the node for the key; true also when the key already holds one there.</summary>
    public bool TryAcquire(string node, string key)
    {
        lock (gate)
        {
            if (!holders.TryGetValue(node, out var keys))
            {
                holders[node] = keys = new HashSet<string>(StringComparer.Ordinal);
            }

            if (keys.Contains(key))
            {
                return true;
            }

            if (keys.Count >= MaxPerNode)
            {
                return false;
            }

            keys.Add(key);
            return true;
        }
    }

    /// <summary>Whether <see cref="TryAcquire"/> would succeed now, without taking anything.</summary>
    public bool HasRoom(string node, string key)
    {
        lock (gate)
        {
            return !holders.TryGetValue(node, out var keys) || keys.Contains(key) || keys.Count < MaxPerNode;
        }
    }

    /// <summary>Takes a slot even when the node is full: a task found pending after a restart is already running in PVE.</summary>
    public void Hold(string node, string key)
    {
        lock (gate)
        {
            if (!holders.TryGetValue(node, out var keys))
            {
                holders[node] = keys = new HashSet<string>(StringComparer.Ordinal);
            }

            keys.Add(key);
        }
    }

    /// <summary>Gives back whatever slot the key holds, on any node.</summary>
    public void Release(string key)
    {
        lock (gate)
        {
            foreach (var keys in holders.Values)
            {
                keys.Remove(key);
            }
        }
    }

    public int InUse(string node)
    {
        lock (gate)
        {
            return holders.TryGetValue(node, out var keys) ? keys.Count : 0;
        }
    }
}
