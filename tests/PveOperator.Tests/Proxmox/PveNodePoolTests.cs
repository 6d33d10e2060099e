using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class PveNodePoolTests
{
    [Fact]
    public void Add_get_iterate_remove_clear()
    {
        var pool = new PveNodePool();
        pool.Add(new PveNode { Name = "pve3", Online = true });
        pool.Add(new PveNode { Name = "pve1" });
        pool.Add(new PveNode { Name = "pve2" });
        pool.Add(new PveNode { Name = "pve1", Online = true });

        Assert.Equal(3, pool.Count);
        Assert.Equal("pve1, pve2, pve3", pool.AvailableNodeNames);
        Assert.Equal(["pve1", "pve2", "pve3"], pool.Select(n => n.Name));
        Assert.True(pool.TryGet("pve1", out var pve1));
        Assert.True(pve1.Online);
        Assert.Same(pve1, pool.Get("pve1"));
        Assert.False(pool.TryGet("PVE1", out _));
        Assert.True(pool.Remove("pve2"));
        Assert.False(pool.Remove("pve2"));
        Assert.False(pool.Contains("pve2"));
        pool.Clear();
        Assert.Equal(0, pool.Count);
        Assert.Equal("", pool.AvailableNodeNames);
    }

    [Fact]
    public void A_miss_names_the_available_nodes()
    {
        var pool = new PveNodePool();
        pool.ReplaceAll([new PveNode { Name = "b" }, new PveNode { Name = "a" }]);

        var failure = Assert.Throws<PveNodeNotFoundException>(() => pool.Get("x"));

        Assert.Equal("proxmox node x not found (available: a, b)", failure.Message);
        Assert.Equal("x", failure.NodeName);
        Assert.IsAssignableFrom<KeyNotFoundException>(failure);
    }

    [Fact]
    public void Iteration_is_a_snapshot()
    {
        var pool = new PveNodePool();
        pool.Add(new PveNode { Name = "a" });
        pool.Add(new PveNode { Name = "b" });

        foreach (var node in pool)
        {
            pool.Remove(node.Name);
        }

        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Standalone_node_names_the_cluster_after_itself()
    {
        var status = PveJson.DecodeData<List<PveClusterStatusEntry>>(
            """{"data":[{"type":"node","id":"node/pve","name":"pve","ip":"192.168.1.10","local":1,"nodeid":0,"online":1,"level":""}]}""")!;

        var info = PveClusterInfo.From(new PveVersion { Version = "9.1.6", Release = "9.1" }, status);

        Assert.True(info.IsStandalone);
        Assert.Equal("pve", info.Name);
        Assert.True(info.Quorate);
        Assert.Equal("pve", Assert.Single(info.Nodes).Name);
        Assert.Equal(9, info.Version.Major);
    }

    [Fact]
    public void Cluster_without_quorum_and_offline_nodes()
    {
        var status = PveJson.DecodeData<List<PveClusterStatusEntry>>(
            """
            {"data":[{"type":"cluster","id":"cluster","name":"lab","nodes":2,"version":3,"quorate":0},
                     {"type":"node","id":"node/b","name":"b","nodeid":2,"local":0,"online":0},
                     {"type":"node","id":"node/a","name":"a","nodeid":1,"local":1,"online":1}]}
            """)!;

        var info = PveClusterInfo.From(new PveVersion(), status);

        Assert.False(info.IsStandalone);
        Assert.False(info.Quorate);
        Assert.Equal("lab", info.Name);
        Assert.Equal([true, false], info.Nodes.Select(n => n.Online));
    }

    [Fact]
    public void No_node_at_all_is_an_error() =>
        Assert.Equal(PveErrorKind.Other,
            Assert.Throws<PveApiException>(() => PveClusterInfo.From(new PveVersion(), [])).Kind);
}
