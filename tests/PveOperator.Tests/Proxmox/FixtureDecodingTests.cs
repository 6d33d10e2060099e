using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

/// <summary>Every recorded PVE answer in TestData/pve-fixtures decodes, with the values that matter checked.</summary>
public sealed class FixtureDecodingTests
{
    private const string AccessTicket = "access-ticket_POST_pve-7.4-or-8.0.json";
    private const string ClusterResources = "cluster-resources_no-type-filter_pve-7.4-or-8.0.json";
    private const string ClusterStatus = "cluster-status_cluster-4nodes_pve-7.4-or-8.0.json";
    private const string ContainerConfig = "nodes-node-lxc-vmid-config_static-ip_pve-6.2.json";
    private const string ContainerInterfaces = "nodes-node-lxc-vmid-interfaces_legacy-shape_pve-8.1-8.3.json";
    private const string ContainerStatus = "nodes-node-lxc-vmid-status-current_stopped-template_pve-8.1-or-earlier.json";
    private const string ContainerList = "nodes-node-lxc_list-running-stopped_pve-7.4-or-8.0.json";
    private const string NodeStatus = "nodes-node-status_pve-7.4-16.json";
    private const string TaskList = "nodes-node-tasks_list-with-failed_pve-6.4-8.json";
    private const string Version = "nodes-node-version_pve-7.4-16.json";
    private const string Nodes = "nodes_4-node-cluster_pve-7.4-or-8.0.json";

    private static readonly string[] Covered =
    [
        AccessTicket, ClusterResources, ClusterStatus, ContainerConfig, ContainerInterfaces, ContainerStatus,
        ContainerList, NodeStatus, TaskList, Version, Nodes,
    ];

    [Fact]
    public void Every_fixture_file_has_a_decoding_test()
    {
        Assert.Equal(Covered.Order(), PveFixtures.AllJsonFiles().Order());
        Assert.True(File.Exists(Path.Combine(PveFixtures.Directory, "sources.md")));
    }

    [Fact]
    public void Version_pve7_has_dash_format_and_short_repoid()
    {
        var version = Decode<PveVersion>(Version);

        Assert.Equal("7.4-16", version.Version);
        Assert.Equal("7.4", version.Release);
        Assert.Equal("0f39f621", version.RepoId);
        Assert.Equal(7, version.Major);
        Assert.Equal(4, version.Minor);
        Assert.Null(version.Console);
    }

    [Fact]
    public void Cluster_status_with_cluster_entry_gives_cluster_name_and_four_online_nodes()
    {
        var entries = Decode<List<PveClusterStatusEntry>>(ClusterStatus);
        var info = PveClusterInfo.From(new PveVersion { Version = "7.4-16", Release = "7.4" }, entries);

        var cluster = Assert.Single(entries, e => e.IsCluster);
        Assert.Equal(4, cluster.Nodes);
        Assert.Equal(4, cluster.Version);
        Assert.True(cluster.Quorate);
        Assert.Equal("clustername", info.Name);
        Assert.False(info.IsStandalone);
        Assert.True(info.Quorate);
        Assert.Equal(["node1", "node2", "node3", "node4"], info.Nodes.Select(n => n.Name));
        Assert.All(info.Nodes, n => Assert.True(n.Online));
        var local = Assert.Single(info.Nodes, n => n.IsLocal);
        Assert.Equal("node1", local.Name);
        Assert.Equal("192.168.1.1", local.Ip);
        Assert.Equal("node/node1", local.Id);
        Assert.Equal(1, local.NodeId);
        Assert.All(entries.Where(e => e.IsNode), e => Assert.Equal("", e.Level));
    }

    [Fact]
    public void Cluster_resources_decode_every_entry_type_and_hold_no_container()
    {
        var resources = Decode<List<PveClusterResource>>(ClusterResources);

        Assert.Equal(20, resources.Count);
        Assert.Equal(4, resources.Count(r => r.Type == "qemu"));
        Assert.DoesNotContain(resources, r => r.IsContainer);
        var server1 = Assert.Single(resources, r => r.Id == "qemu/100");
        Assert.Equal(100, server1.Vmid);
        Assert.Equal("node2", server1.Node);
        Assert.True(server1.IsRunning);
        Assert.Equal("server1", server1.Name);
        Assert.False(server1.Template);
        Assert.Equal(874350, server1.Uptime);
        Assert.True(Assert.Single(resources, r => r.Id == "qemu/101").Template);
        Assert.Equal("go-proxmox+cloud-init", Assert.Single(resources, r => r.Vmid == 102).Tags);
        Assert.Null(server1.HaState);
        Assert.Null(server1.Lock);
    }

    [Fact]
    public void Container_list_of_pve7_has_string_vmids()
    {
        Assert.Contains("\"vmid\": \"103\"", PveFixtures.Read(ContainerList));

        var containers = Decode<List<PveContainerSummary>>(ContainerList);

        Assert.Equal([103, 102, 104, 105], containers.Select(c => c.Vmid));
        var running = Assert.Single(containers, c => c.IsRunning);
        Assert.Equal(102, running.Vmid);
        Assert.Equal(4076752, running.Pid);
        Assert.Equal(161, running.Uptime);
        Assert.Equal("test-lxc.home.arpa", running.Name);
        Assert.Equal(2, running.Cpus);
        Assert.Equal(536870912, running.MaxMem);
        Assert.All(containers.Where(c => !c.IsRunning), c => Assert.Null(c.Pid));
        Assert.Equal("", Assert.Single(containers, c => c.Vmid == 105).Name);
        Assert.All(containers, c => Assert.False(c.Template));
    }

    [Fact]
    public void Container_status_of_a_stopped_template_is_not_ha_managed()
    {
        var status = Decode<PveContainerStatus>(ContainerStatus);

        Assert.Equal(101, status.Vmid);
        Assert.Equal("stopped", status.Status);
        Assert.False(status.IsRunning);
        Assert.True(status.Template);
        Assert.False(status.Ha.Managed);
        Assert.Null(status.Ha.State);
        Assert.Equal("test-container", status.Name);
        Assert.Equal(["tag1", "tag2"], status.TagList);
        Assert.Equal(8589934592, status.MaxDisk);
    }

    [Fact]
    public void Container_config_gives_static_address_from_net0()
    {
        var config = Decode<PveContainerConfig>(ContainerConfig);

        Assert.Equal("test-lxc", config.Hostname);
        Assert.Equal(0, config.CpuLimit);
        Assert.Equal(1, config.Cores);
        Assert.Equal(1000, config.Memory);
        Assert.False(config.OnBoot);
        Assert.False(config.Protection);
        Assert.Equal("ubuntu", config.OsType);
        Assert.Equal("one, two, three", config.Tags);
        var net0 = Assert.Single(config.Networks);
        Assert.Equal("net0", net0.Key);
        Assert.Equal(0, net0.Index);
        Assert.Equal("eth0", net0.Name);
        Assert.Equal("vmbr0", net0.Bridge);
        Assert.Equal("FF:FF:FF:FF:FF:FF", net0.HardwareAddress);
        Assert.Equal("10.1.1.1", net0.Gateway);
        Assert.Equal("veth", net0.Type);
        Assert.Equal(new PveIpAddress(IPAddress.Parse("10.1.1.3"), 24), net0.StaticIpv4);
        Assert.Null(net0.StaticIpv6);

        var addresses = PveAddressResolver.FromConfig(config);
        Assert.Equal(PveAddressSource.Config, addresses.Source);
        Assert.Equal([IPAddress.Parse("10.1.1.3")], addresses.Addresses);
        Assert.Equal("eth0", Assert.Single(addresses.Interfaces).Name);
    }

    [Fact]
    public void Interfaces_in_legacy_shape_give_eth0_ipv4_without_loopback_or_link_local()
    {
        var interfaces = Decode<List<PveContainerInterface>>(ContainerInterfaces);

        Assert.Equal(["lo", "eth0"], interfaces.Select(i => i.Name));
        Assert.All(interfaces, i => Assert.Null(i.IpAddresses));
        Assert.Equal("192.168.3.95/22", interfaces[1].Inet);
        var addresses = PveAddressResolver.FromInterfaces(interfaces);
        Assert.Equal(PveAddressSource.Interfaces, addresses.Source);
        var eth0 = Assert.Single(addresses.Interfaces);
        Assert.Equal("eth0", eth0.Name);
        Assert.Equal("bc:24:11:89:67:07", eth0.HardwareAddress);
        Assert.Equal([new PveIpAddress(IPAddress.Parse("192.168.3.95"), 22)], eth0.Addresses);
        Assert.Equal([IPAddress.Parse("192.168.3.95")], addresses.Addresses);
    }

    [Fact]
    public void Nodes_list_has_online_nodes_with_fingerprints()
    {
        var nodes = Decode<List<PveNodeSummary>>(Nodes);

        Assert.Equal(["node1", "node2", "node3", "node4"], nodes.Select(n => n.Node));
        Assert.All(nodes, n => Assert.True(n.IsOnline));
        Assert.All(nodes, n => Assert.Equal("", n.Level));
        Assert.All(nodes, n => Assert.True(PveCertificateFingerprint.TryParse(n.SslFingerprint, out _)));
        Assert.Equal(12, nodes[0].MaxCpu);
        Assert.Equal(2236708, nodes[0].Uptime);
        Assert.Equal(
            PveCertificateFingerprint.Parse("80d4f2df6495cd8da08282ac48bac07a1b6b878bfeb9831c954e7958779969f5"),
            PveCertificateFingerprint.Parse(nodes[0].SslFingerprint!));
    }

    [Fact]
    public void Task_list_exit_statuses_tell_success_from_failure_and_upids_match_their_fields()
    {
        var tasks = Decode<List<TaskListEntry>>(TaskList);

        Assert.Equal(3, tasks.Count);
        Assert.Equal([true, false, true], tasks.Select(t => PveTaskExitStatus.IsSuccess(t.Status)));
        Assert.Equal("command 'ifreload -a' failed: exit code 1", tasks[1].Status);
        Assert.All(tasks, t =>
        {
            Assert.Equal(t.Node, t.Upid.Node);
            Assert.Equal(t.Pid, t.Upid.Pid);
            Assert.Equal(t.PStart, t.Upid.PStart);
            Assert.Equal(t.StartTime, t.Upid.StartTime.ToUnixTimeSeconds());
            Assert.Equal(t.Type, t.Upid.Type);
            Assert.Equal(t.Id, t.Upid.Id);
            Assert.Equal(t.User, t.Upid.User);
            Assert.True(t.EndTime >= t.StartTime);
        });
        Assert.Equal("iaclab-01-01", tasks[0].Upid.Node);
        Assert.Equal(3539, tasks[0].Upid.Pid);
    }

    [Fact]
    public void Node_status_reads_numbers_written_as_strings()
    {
        var status = Decode<NodeStatusAnswer>(NodeStatus);

        Assert.Equal("pve-manager/7.4-16/0f39f621", status.PveVersion);
        Assert.Equal([0.0, 0.0, 0.0], status.LoadAverage);
        Assert.Equal(3400.0, status.CpuInfo.Mhz);
        Assert.True(status.CpuInfo.Hvm);
        Assert.Equal(100, status.CpuInfo.UserHz);
        Assert.Equal(8, status.CpuInfo.Cpus);
        Assert.Equal(65919459328, status.Memory.Total);
        Assert.Equal(2501631, status.Uptime);
    }

    [Fact]
    public void Access_ticket_reads_cluster_name_and_capability_flags()
    {
        var ticket = Decode<TicketAnswer>(AccessTicket);

        Assert.Equal("root@pam", ticket.Username);
        Assert.Equal("pve-cluster", ticket.ClusterName);
        Assert.StartsWith("PVE:root@pam:64E10CBA::", ticket.Ticket);
        Assert.StartsWith("64E10CBA:", ticket.CsrfPreventionToken);
        Assert.True(ticket.Capabilities["vms"]["VM.PowerMgmt"]);
        Assert.True(ticket.Capabilities["nodes"]["Sys.Audit"]);
        Assert.Equal(["access", "dc", "nodes", "sdn", "storage", "vms"], ticket.Capabilities.Keys.Order());
    }

    private static T Decode<T>(string fixture) =>
        PveJson.DecodeData<T>(PveFixtures.Read(fixture)) ?? throw new InvalidOperationException($"{fixture}: no data");

    // Shapes the client does not call, decoded with the client's converters to prove they cope.
    private sealed record TaskListEntry(
        [property: JsonPropertyName("upid")] Upid Upid,
        [property: JsonPropertyName("node")] string Node,
        [property: JsonPropertyName("pid")] long Pid,
        [property: JsonPropertyName("pstart")] long PStart,
        [property: JsonPropertyName("starttime")] long StartTime,
        [property: JsonPropertyName("endtime")] long EndTime,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("user")] string User,
        [property: JsonPropertyName("status")] string Status);

    private sealed record NodeStatusAnswer(
        [property: JsonPropertyName("pveversion")] string PveVersion,
        [property: JsonPropertyName("loadavg")] double[] LoadAverage,
        [property: JsonPropertyName("cpuinfo")] CpuInfo CpuInfo,
        [property: JsonPropertyName("memory")] MemoryInfo Memory,
        [property: JsonPropertyName("uptime")] long Uptime);

    private sealed record CpuInfo(
        [property: JsonPropertyName("mhz")] double Mhz,
        [property: JsonPropertyName("hvm")] bool Hvm,
        [property: JsonPropertyName("user_hz")] int UserHz,
        [property: JsonPropertyName("cpus")] int Cpus);

    private sealed record MemoryInfo([property: JsonPropertyName("total")] long Total);

    private sealed record TicketAnswer(
        [property: JsonPropertyName("username")] string Username,
        [property: JsonPropertyName("clustername")] string ClusterName,
        [property: JsonPropertyName("ticket")] string Ticket,
        [property: JsonPropertyName("CSRFPreventionToken")] string CsrfPreventionToken,
        [property: JsonPropertyName("cap")] Dictionary<string, Dictionary<string, bool>> Capabilities);
}
