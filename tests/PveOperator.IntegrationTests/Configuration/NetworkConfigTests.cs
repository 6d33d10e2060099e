using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>spec.network: interfaces changed, added and removed in place (PVE hot-plugs netN on a running CT).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class NetworkConfigTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Interfaces_are_changed_added_and_removed_on_a_stopped_and_a_running_container()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var stoppedCt = WithSecondNic(Existing(320, running: false));
        var runningCt = WithSecondNic(Existing(321, running: true));
        simulator.Cluster.AddContainer(stoppedCt);
        simulator.Cluster.AddContainer(runningCt);
        var macs = new[] { 320, 321 }.ToDictionary(v => v, v => NetOption(simulator, v, "net0", "hwaddr"));
        var provider = await harness.CreateProviderAsync(simulator);
        static void Network(LxcContainerSpec s) => s.Network =
        [
            new NetworkInterfaceSpec
            {
                Name = "eth0", Bridge = "vmbr1", Vlan = 20, Firewall = true, Mtu = 1400, RateMBps = 50,
                Ipv4 = new Ipv4Spec { Address = "10.0.0.5/24", Gateway = "10.0.0.1" },
            },
            new NetworkInterfaceSpec { Name = "eth2", Bridge = "vmbr0", Ipv4 = new Ipv4Spec { Dhcp = true }, Ipv6 = new Ipv6Spec { Auto = true } },
        ];

        var stopped = await AdoptAsync(harness, provider, stoppedCt, Network);
        var running = await AdoptAsync(harness, provider, runningCt, Network);
        await WaitInSyncAsync(harness, stopped);
        var synced = await WaitInSyncAsync(harness, running);

        foreach (var vmid in new[] { 320, 321 })
        {
            Assert.Equal(("vmbr1", "20", "1", "1400", "50"),
                (NetOption(simulator, vmid, "net0", "bridge"), NetOption(simulator, vmid, "net0", "tag"), NetOption(simulator, vmid, "net0", "firewall"),
                 NetOption(simulator, vmid, "net0", "mtu"), NetOption(simulator, vmid, "net0", "rate")));
            Assert.Equal(("10.0.0.5/24", "10.0.0.1"), (NetOption(simulator, vmid, "net0", "ip"), NetOption(simulator, vmid, "net0", "gw")));
            // hwaddr is not in the spec: the MAC PVE generated stays.
            Assert.Equal(macs[vmid], NetOption(simulator, vmid, "net0", "hwaddr"));
            var lines = NetLines(simulator, vmid);
            Assert.DoesNotContain(lines, l => l.Contains("name=eth1,", StringComparison.Ordinal));
            var eth2 = Assert.Single(lines, l => l.StartsWith("name=eth2,", StringComparison.Ordinal));
            Assert.Contains(",ip=dhcp,", eth2, StringComparison.Ordinal);
            Assert.Contains(",ip6=auto,", eth2, StringComparison.Ordinal);
        }

        Assert.True(simulator.Cluster.GetContainer(321)!.Running);
        Assert.Empty(synced.Status.PendingChanges ?? []);
        Assert.True(Has(synced, ConditionTypes.RestartRequired, "False", NothingPending), "RestartRequired=False (NothingPending)");
    }

    private static SimContainer WithSecondNic(SimContainer container)
    {
        container.Net["net1"] = $"name=eth1,bridge=vmbr0,hwaddr=BC:24:11:01:{container.Vmid % 100:D2}:03,ip=dhcp,type=veth";
        return container;
    }

    private static IReadOnlyList<string> NetLines(PveSimulatorServer simulator, int vmid) =>
        Enumerable.Range(0, 32).Select(i => Current(simulator, vmid, $"net{i}")).OfType<string>().ToArray();
}
