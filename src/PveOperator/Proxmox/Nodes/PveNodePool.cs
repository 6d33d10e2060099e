using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace PveOperator.Proxmox;

/// <summary>
/// The nodes of one provider's cluster, by name. One pool per client (GoDoxy had a process-wide pool, which mixes
/// up providers). Thread-safe; iteration works on a snapshot.
/// </summary>
public sealed class PveNodePool : IEnumerable<PveNode>
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, PveNode> nodes = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (gate)
            {
                return nodes.Count;
            }
        }
    }

    /// <summary>Node names, sorted and comma-separated: "a, b, c".</summary>
    public string AvailableNodeNames
    {
        get
        {
            lock (gate)
            {
                return string.Join(", ", nodes.Keys.Order(StringComparer.Ordinal));
            }
        }
    }

    /// <summary>Adds the node, replacing one with the same name.</summary>
    public void Add(PveNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        lock (gate)
        {
            nodes[node.Name] = node;
        }
    }

    public bool TryGet(string name, [NotNullWhen(true)] out PveNode? node)
    {
        lock (gate)
        {
            return nodes.TryGetValue(name, out node);
        }
    }

    /// <exception cref="PveNodeNotFoundException">"proxmox node X not found (available: a, b)".</exception>
    public PveNode Get(string name) =>
        TryGet(name, out var node) ? node : throw new PveNodeNotFoundException(name, AvailableNodeNames);

    public bool Contains(string name) => TryGet(name, out _);

    public bool Remove(string name)
    {
        lock (gate)
        {
            return nodes.Remove(name);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            nodes.Clear();
        }
    }

    /// <summary>Swaps the whole content at once, so readers never see a half-refreshed pool.</summary>
    public void ReplaceAll(IEnumerable<PveNode> replacement)
    {
        var snapshot = replacement.ToList();
        lock (gate)
        {
            nodes.Clear();
            foreach (var node in snapshot)
            {
                nodes[node.Name] = node;
            }
        }
    }

    /// <summary>Nodes sorted by name, from a snapshot.</summary>
    public IEnumerator<PveNode> GetEnumerator()
    {
        PveNode[] snapshot;
        lock (gate)
        {
            snapshot = nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal).ToArray();
        }
        return ((IEnumerable<PveNode>)snapshot).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
