using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Scale;

/// <summary>A container with a static eth0 and a DHCP eth1 shows both addresses within the DHCP window, not eth0's alone.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class MultiNicAddressTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task The_dhcp_lease_of_a_second_interface_shows_up_beside_a_static_first_one()
    {
        var simulator = await harness.StartSimulatorAsync(new SimulatorOptions
        {
            ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500),
            DhcpDelay = TimeSpan.FromSeconds(3),
        });
        var ct = new SimContainer
        {
            Vmid = 141,
            Node = "pve1",
            Name = "ct141",
            Running = false,
            Net =
            {
                ["net0"] = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:41:01,ip=10.0.0.41/24,type=veth",
                ["net1"] = "name=eth1,bridge=vmbr1,hwaddr=BC:24:11:00:41:02,ip=dhcp,type=veth",
            },
        };
        ct.DhcpAddresses["eth1"] = "192.168.41.7/24";
        simulator.Cluster.AddContainer(ct);
        var provider = await harness.CreateProviderAsync(simulator);
        var web = await harness.CreateContainerAsync(provider, 141, PowerState.Running, name: "two-nics");

        var both = await harness.WaitForContainerAsync(web, c => c.Status?.IpAddresses is { Count: 2 },
            "both interfaces' addresses in status", OperatorHarness.FastSettings.DhcpRetryWindow);

        Assert.Equal(["10.0.0.41", "192.168.41.7"], both.Status.IpAddresses);
        Assert.Equal(["192.168.41.7"], both.Status.Interfaces!.Single(i => i.Name == "eth1").IpAddresses);
    }
}
