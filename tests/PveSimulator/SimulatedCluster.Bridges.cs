namespace PveSimulator;

// Host bridges, for the one thing PVE reads from them on a config change: their MTU.
public sealed partial class SimulatedCluster
{
    /// <summary>What /sys/class/net/&lt;bridge&gt;/mtu holds on an ordinary Linux bridge.</summary>
    public const int DefaultBridgeMtu = 1500;

    private readonly Dictionary<string, int> bridgeMtus = new(StringComparer.Ordinal);

    /// <summary>
    /// Sets a bridge's MTU (every bridge is taken to exist on every node, with <see cref="DefaultBridgeMtu"/> unless
    /// set): a netN whose mtu= exceeds it is refused, as update_pct_config does (lifecycle reference §4.2).
    /// </summary>
    public void SetBridgeMtu(string bridge, int mtu)
    {
        ArgumentException.ThrowIfNullOrEmpty(bridge);
        ArgumentOutOfRangeException.ThrowIfLessThan(mtu, 64);
        lock (gate)
        {
            bridgeMtus[bridge] = mtu;
        }
    }

    public int BridgeMtu(string bridge)
    {
        lock (gate)
        {
            return bridgeMtus.GetValueOrDefault(bridge, DefaultBridgeMtu);
        }
    }
}
