using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed class VersionShapeTests
{
    [Fact]
    public async Task Pve7_reports_7_4_16_and_lists_vmids_as_strings()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { Version = PveVersionMode.Pve7 });

        var version = (await host.GetAsync("/version")).Data!;
        var list = (await host.GetAsync("/nodes/pve1/lxc")).Data!.AsArray();
        var current = (await host.GetAsync("/nodes/pve1/lxc/100/status/current")).Data!;

        Assert.Equal("""{"release":"7.4","version":"7.4-16","repoid":"0f39f621"}""", version.ToJsonString());
        Assert.All(list, entry => Assert.Equal(JsonValueKind.String, entry!["vmid"]!.GetValueKind()));
        Assert.Equal(JsonValueKind.Number, current["vmid"]!.GetValueKind());
    }

    [Fact]
    public async Task Pve7_has_no_interfaces_endpoint()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { Version = PveVersionMode.Pve7 });

        var response = await host.GetAsync("/nodes/pve1/lxc/100/interfaces");

        Assert.Equal(HttpStatusCode.NotImplemented, response.Status);
        Assert.Equal("Method 'GET /nodes/pve1/lxc/100/interfaces' not implemented", response.Reason);
    }

    [Theory]
    [InlineData(PveVersionMode.Pve8, "8.4")]
    [InlineData(PveVersionMode.Pve9, "9.1")]
    public async Task Pve8_and_9_report_x_y_z_with_a_16_hex_repoid(PveVersionMode mode, string release)
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { Version = mode });

        var version = (await host.GetAsync("/version")).Data!;
        var list = (await host.GetAsync("/nodes/pve1/lxc")).Data!.AsArray();

        Assert.Equal(release, version["release"]!.GetValue<string>());
        Assert.Matches(@"^\d+\.\d+\.\d+$", version["version"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{16}$", version["repoid"]!.GetValue<string>());
        Assert.All(list, entry => Assert.Equal(JsonValueKind.Number, entry!["vmid"]!.GetValueKind()));
    }

    [Fact]
    public async Task Lxc_list_entries_carry_only_the_keys_that_apply()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { Version = PveVersionMode.Pve9 });
        host.Cluster.GetContainer(SimulatorTestHost.StoppedCt)!.Template = true;
        host.Cluster.SetLock(SimulatorTestHost.StoppedCt, "backup");

        var list = (await host.GetAsync("/nodes/pve1/lxc")).Data!.AsArray();
        var running = list.Single(e => e!["vmid"]!.GetValue<int>() == SimulatorTestHost.RunningDhcpCt)!;
        var stopped = list.Single(e => e!["vmid"]!.GetValue<int>() == SimulatorTestHost.StoppedCt)!;

        Assert.Equal("running", running["status"]!.GetValue<string>());
        Assert.Equal("lxc", running["type"]!.GetValue<string>());
        Assert.True(running["pid"]!.GetValue<int>() > 0);
        Assert.Null(running["template"]);
        Assert.Null(running["lock"]);
        Assert.Equal("0.00", running["pressurecpusome"]!.GetValue<string>());
        Assert.Null(stopped["pid"]);
        Assert.Null(stopped["pressurecpusome"]);
        Assert.Equal(1, stopped["template"]!.GetValue<int>());
        Assert.Equal("backup", stopped["lock"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_current_has_an_integer_vmid_and_ha_section()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var current = (await host.GetAsync("/nodes/pve1/lxc/100/status/current")).Data!;

        Assert.Equal(100, current["vmid"]!.GetValue<int>());
        Assert.Equal("web", current["name"]!.GetValue<string>());
        Assert.Equal("""{"managed":0}""", current["ha"]!.ToJsonString());
    }

    [Fact]
    public async Task Config_has_typed_keys_net_lines_and_a_digest()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var config = (await host.GetAsync("/nodes/pve2/lxc/102/config")).Data!;

        Assert.Equal("proxy", config["hostname"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Number, config["cores"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, config["memory"]!.GetValueKind());
        Assert.Equal("name=eth0,bridge=vmbr0,gw=10.1.1.1,hwaddr=BC:24:11:00:01:02,ip=10.1.1.3/24,type=veth", config["net0"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{40}$", config["digest"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cluster_status_has_a_cluster_entry_only_when_clustered()
    {
        await using var clustered = await SimulatorTestHost.StartAsync(new SimulatorOptions { ClusterName = "homelab" });
        await using var standalone = await SimulatorTestHost.StartAsync(new SimulatorOptions { ClusterName = null });

        var clusterEntries = (await clustered.GetAsync("/cluster/status")).Data!.AsArray();
        var standaloneEntries = (await standalone.GetAsync("/cluster/status")).Data!.AsArray();

        var cluster = clusterEntries[0]!;
        Assert.Equal("cluster", cluster["type"]!.GetValue<string>());
        Assert.Equal("homelab", cluster["name"]!.GetValue<string>());
        Assert.Equal(2, cluster["nodes"]!.GetValue<int>());
        Assert.Equal(1, cluster["quorate"]!.GetValue<int>());
        var pve1 = clusterEntries[1]!;
        Assert.Equal("node/pve1", pve1["id"]!.GetValue<string>());
        Assert.Equal(1, pve1["nodeid"]!.GetValue<int>());
        Assert.Equal(1, pve1["local"]!.GetValue<int>());
        Assert.Equal(1, pve1["online"]!.GetValue<int>());
        Assert.Equal("", pve1["level"]!.GetValue<string>());
        Assert.DoesNotContain(standaloneEntries, e => e!["type"]!.GetValue<string>() == "cluster");
        Assert.Equal(0, standaloneEntries[0]!["nodeid"]!.GetValue<int>());
    }

    [Fact]
    public async Task Node_status_is_a_realistic_object()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var status = (await host.GetAsync("/nodes/pve1/status")).Data!;

        Assert.Equal(JsonValueKind.String, status["loadavg"]!.AsArray()[0]!.GetValueKind());
        Assert.Equal(JsonValueKind.String, status["cpuinfo"]!["mhz"]!.GetValueKind());
        Assert.Matches(new Regex(@"^pve-manager/8\.4\.1/[0-9a-f]{16}$"), status["pveversion"]!.GetValue<string>());
        Assert.True(status["memory"]!["total"]!.GetValue<long>() > 0);
    }
}
