using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Reliability;

/// <summary>
/// The CRDs' CEL rules enforced by the operator itself, rule by rule, on 1.20: its API server has no CEL, so every
/// object below is accepted there and only the operator can refuse it, with the rule's reason and without writing to
/// PVE. The same rules on 1.36 are CelRuleTests; the create block's immutability is CreateOnlyFieldsTests.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RuntimeRuleTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;
    private PveSimulatorServer simulator = null!;
    private string provider = "";

    public async Task InitializeAsync()
    {
        harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());
        simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        foreach (var vmid in new[] { 401, 402, 404, 405 })
        {
            simulator.Cluster.AddContainer(Existing(vmid, running: true));
        }

        simulator.Cluster.AddContainer(Existing(403, running: true));
        provider = await harness.CreateProviderAsync(simulator);
    }

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task A_vmid_changed_after_it_was_recorded_is_InvalidSpec_and_the_container_is_left_alone()
    {
        var name = await AdoptAsync(harness, provider, simulator.Cluster.GetContainer(401)!, _ => { });
        await harness.WaitForContainerAsync(name, "True", Reasons.Running);

        await harness.PatchContainerSpecAsync(name, new { vmid = 402 });

        await AssertRefusedAsync(name, Reasons.InvalidSpec, "spec.vmid was changed from 401 to 402", 401, 402);
    }

    [Fact]
    public async Task A_providerRef_changed_after_the_vmid_was_recorded_is_InvalidSpec()
    {
        var name = await AdoptAsync(harness, provider, simulator.Cluster.GetContainer(403)!, _ => { });
        await harness.WaitForContainerAsync(name, "True", Reasons.Running);

        await harness.PatchContainerSpecAsync(name, new { providerRef = new { name = "another-cluster" } });

        await AssertRefusedAsync(name, Reasons.InvalidSpec, $"spec.providerRef was changed from {provider} to another-cluster", 403);
    }

    // Both template and clone is refused by the structural schema's oneOf, which 1.20 enforces too.
    [Theory]
    [InlineData("a template without storage", "spec.create.storage is required with spec.create.template")]
    [InlineData("a clone with template-only fields", "apply to spec.create.template only")]
    public async Task A_create_block_the_schema_would_refuse_is_InvalidSpec_and_nothing_is_created(string shape, string message)
    {
        var name = await CreateResourceAsync(harness, provider, "bad-create", spec =>
        {
            spec.Vmid = 450;
            spec.Create = shape switch
            {
                "a template without storage" => new ContainerCreateSpec { Template = DebianTemplate },
                _ => new ContainerCreateSpec { Clone = new CloneSource { Vmid = 401 }, RootfsSize = "8Gi" },
            };
        });

        await AssertRefusedAsync(name, Reasons.InvalidSpec, message, 450);
        Assert.Equal(0, simulator.Counters.LifecycleRequests(450, "create") + simulator.Counters.LifecycleRequests(401, "clone"));
    }

    [Fact]
    public async Task An_interface_both_DHCP_and_static_is_InvalidSpec_and_nothing_is_written()
    {
        var name = await AdoptAsync(harness, provider, simulator.Cluster.GetContainer(404)!, s =>
            s.Network = [new NetworkInterfaceSpec { Name = "eth0", Ipv4 = new Ipv4Spec { Dhcp = true, Address = "10.0.0.5/24" } }]);

        await AssertRefusedAsync(name, Reasons.InvalidSpec, "network[eth0].ipv4 takes either dhcp: true or an address, not both", 404);
        Assert.Equal(Reasons.InvalidSpec, Condition(await harness.GetContainerAsync(name), ConditionTypes.Synced)!.Reason);
    }

    [Fact]
    public async Task A_smaller_root_disk_is_CannotShrink_and_no_resize_is_sent()
    {
        var name = await AdoptAsync(harness, provider, simulator.Cluster.GetContainer(405)!, s => s.Rootfs = new RootfsSpec { Size = "1Gi" });

        await AssertRefusedAsync(name, Reasons.CannotShrink, "Proxmox VE cannot shrink a disk", 405);
    }

    [Fact]
    public async Task A_vmidRange_upside_down_is_the_providers_InvalidSpec()
    {
        var name = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.VmidRange = new VmidRange { Min = 20000, Max = 10000 });

        var refused = await harness.WaitForProviderAsync(name, "False", Reasons.InvalidSpec);
        Assert.Contains("spec.vmidRange.min (20000) must not be above spec.vmidRange.max (10000)", ConditionList.Find(refused.Status!.Conditions, ConditionTypes.Ready)!.Message, StringComparison.Ordinal);
    }

    /// <summary>Stalled with the reason and message, a Warning event, and no write to PVE for these VMIDs.</summary>
    private async Task AssertRefusedAsync(string name, string reason, string message, params int[] vmids)
    {
        var refused = await WaitForStalledAsync(harness, name, reason);
        Assert.Contains(message, Condition(refused, ConditionTypes.Ready)!.Message, StringComparison.Ordinal);
        await Eventually.ValueAsync(async () => (await harness.EventsForAsync(name)).FirstOrDefault(e => e.Reason == reason && e.Type == "Warning"),
            $"a Warning {reason} for {name}");
        await Eventually.ConsistentlyAsync(() => vmids.All(vmid =>
                simulator.Counters.PowerActions(vmid, "start") + simulator.Counters.PowerActions(vmid, "shutdown") == 0
                && simulator.Counters.LifecycleRequests(vmid, "destroy") == 0),
            "no power action or destroy for the container", TimeSpan.FromSeconds(1));
        var (config, resize, migrate) = ConfigWrites(simulator);
        Assert.Equal((0L, 0L, 0L), (config, resize, migrate));
    }
}
