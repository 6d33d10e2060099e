using System.Text.Json.Nodes;
using PveOperator.Tests.Proxmox;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

/// <summary>
/// The simulator's answers have the key sets and value kinds of the answers recorded from real PVE servers
/// (TestData/pve-fixtures). Every difference must be listed below with its reason; a listed difference that no
/// longer occurs fails too, so the list stays true.
/// </summary>
public sealed class FixtureConformanceTests
{
    /// <summary>Recorded answers of endpoints the simulator does not serve.</summary>
    private static readonly Dictionary<string, string> NotServed = new(StringComparer.Ordinal)
    {
        ["access-ticket_POST_pve-7.4-or-8.0.json"] = "tickets are simulated by another part of the work (see README: not simulated)",
        ["nodes-node-tasks_list-with-failed_pve-6.4-8.json"] = "the /nodes/{node}/tasks list is not simulated",
    };

    public static TheoryData<string> Cases() => new(Conformance.All.Select(c => c.Fixture));

    [Fact]
    public void Every_fixture_is_compared_or_listed_as_not_served()
    {
        var covered = Conformance.All.Select(c => c.Fixture).Concat(NotServed.Keys).Order(StringComparer.Ordinal);

        Assert.Equal(PveFixtures.AllJsonFiles().Order(StringComparer.Ordinal), covered);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Simulator_answer_has_the_recorded_keys_and_kinds(string fixture)
    {
        var conformance = Conformance.All.Single(c => c.Fixture == fixture);
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { Version = conformance.Version, ResourcesRefreshInterval = TimeSpan.Zero });
        conformance.Setup?.Invoke(host.Cluster);

        var recorded = JsonNode.Parse(PveFixtures.Read(fixture))!["data"];
        var simulated = (await host.GetAsync(conformance.Path)).Data;
        var differences = JsonShape.Differences(recorded, simulated);

        Assert.Equal(conformance.Allowed.Keys.Order(StringComparer.Ordinal), differences);
    }

    private sealed record Conformance(string Fixture, PveVersionMode Version, string Path, Dictionary<string, string> Allowed, Action<SimulatedCluster>? Setup = null)
    {
        public static readonly Conformance[] All =
        [
            new("nodes-node-version_pve-7.4-16.json", PveVersionMode.Pve7, "/version", []),
            new("nodes-node-status_pve-7.4-16.json", PveVersionMode.Pve7, "/nodes/pve1/status", []),
            new("nodes_4-node-cluster_pve-7.4-or-8.0.json", PveVersionMode.Pve8, "/nodes", []),
            new("cluster-status_cluster-4nodes_pve-7.4-or-8.0.json", PveVersionMode.Pve8, "/cluster/status", [], cluster =>
            {
                cluster.AddNode("pve3", "127.0.0.1");
                cluster.AddNode("pve4", "127.0.0.1");
            }),
            new("cluster-resources_no-type-filter_pve-7.4-or-8.0.json", PveVersionMode.Pve8, "/cluster/resources", new()
            {
                ["data[type=qemu]: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].cpu: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].disk: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].diskread: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].diskwrite: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].id: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].maxcpu: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].maxdisk: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].maxmem: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].mem: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].name: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].netin: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].netout: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].node: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].status: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].tags: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].template: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].type: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].uptime: missing"] = "QEMU guests are not simulated",
                ["data[type=qemu].vmid: missing"] = "QEMU guests are not simulated",
                ["data[type=storage]: missing"] = "storage entries of /cluster/resources are not simulated (GET /nodes/{node}/storage is)",
                ["data[type=storage].content: missing"] = "as above",
                ["data[type=storage].disk: missing"] = "as above",
                ["data[type=storage].id: missing"] = "as above",
                ["data[type=storage].maxdisk: missing"] = "as above",
                ["data[type=storage].node: missing"] = "as above",
                ["data[type=storage].plugintype: missing"] = "as above",
                ["data[type=storage].shared: missing"] = "as above",
                ["data[type=storage].status: missing"] = "as above",
                ["data[type=storage].storage: missing"] = "as above",
                ["data[type=storage].type: missing"] = "as above",
                ["data[type=lxc]: extra"] = "the recording has no container; lxc entries are checked against pve-api.md §3 in ResourcesSnapshotTests",
                ["data[type=lxc].cpu: extra"] = "as above",
                ["data[type=lxc].disk: extra"] = "as above",
                ["data[type=lxc].diskread: extra"] = "as above",
                ["data[type=lxc].diskwrite: extra"] = "as above",
                ["data[type=lxc].id: extra"] = "as above",
                ["data[type=lxc].maxcpu: extra"] = "as above",
                ["data[type=lxc].maxdisk: extra"] = "as above",
                ["data[type=lxc].maxmem: extra"] = "as above",
                ["data[type=lxc].mem: extra"] = "as above",
                ["data[type=lxc].name: extra"] = "as above",
                ["data[type=lxc].netin: extra"] = "as above",
                ["data[type=lxc].netout: extra"] = "as above",
                ["data[type=lxc].node: extra"] = "as above",
                ["data[type=lxc].status: extra"] = "as above",
                ["data[type=lxc].template: extra"] = "as above",
                ["data[type=lxc].type: extra"] = "as above",
                ["data[type=lxc].uptime: extra"] = "as above",
                ["data[type=lxc].vmid: extra"] = "as above",
            }),
            new("nodes-node-lxc_list-running-stopped_pve-7.4-or-8.0.json", PveVersionMode.Pve7, "/nodes/pve1/lxc", []),
            new("nodes-node-lxc-vmid-status-current_stopped-template_pve-8.1-or-earlier.json", PveVersionMode.Pve8, "/nodes/pve1/lxc/900/status/current", [], cluster =>
                cluster.AddContainer(new SimContainer { Vmid = 900, Node = "pve1", Name = "test-container", Template = true, Tags = "tag1;tag2" })),
            new("nodes-node-lxc-vmid-interfaces_legacy-shape_pve-8.1-8.3.json", PveVersionMode.Pve8, $"/nodes/pve1/lxc/{SimulatorTestHost.RunningDhcpCt}/interfaces", new()
            {
                ["data[].hardware-address: extra"] = "the simulator's Pve8 mode is 8.4, whose pve-container (5.2.6+) added hardware-address; the recording predates it",
                ["data[].ip-addresses: extra"] = "as above: ip-addresses came with pve-container 5.2.6",
                ["data[].ip-addresses[]: extra"] = "as above",
                ["data[].ip-addresses[].ip-address: extra"] = "as above",
                ["data[].ip-addresses[].ip-address-type: extra"] = "as above",
                ["data[].ip-addresses[].prefix: extra"] = "as above",
            }),
            new("nodes-node-lxc-vmid-config_static-ip_pve-6.2.json", PveVersionMode.Pve8, "/nodes/pve1/lxc/900/config", new()
            {
                ["data.features: extra"] = "the simulated CT is unprivileged with nesting (PVE 9's create defaults); the recorded one is privileged without features",
                ["data.unprivileged: extra"] = "as above",
            }, cluster =>
            {
                var container = new SimContainer { Vmid = 900, Node = "pve1", Name = "test-lxc", Net = { ["net0"] = "name=eth0,bridge=vmbr0,gw=10.1.1.1,hwaddr=BC:24:11:00:09:00,ip=10.1.1.3/24,type=veth" } };
                foreach (var (key, value) in new[] { ("console", "1"), ("cmode", "tty"), ("description", "A testnode"), ("tty", "2"), ("cpulimit", "0"), ("protection", "0"), ("onboot", "0"), ("cpuunits", "1024"), ("tags", "one;two;three") })
                {
                    container.Config.Set(key, value);
                }

                cluster.AddContainer(container);
            }),
        ];
    }
}
