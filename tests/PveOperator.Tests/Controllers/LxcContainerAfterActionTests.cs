using PveOperator.Controllers;
using PveOperator.Entities;
using static PveOperator.Tests.Controllers.ContainerHarness;

namespace PveOperator.Tests.Controllers;

/// <summary>What happens right after a power action succeeded but before PVE shows its effect (HA-managed CTs).</summary>
public sealed class LxcContainerAfterActionTests : IAsyncLifetime
{
    private ContainerHarness h = null!;

    public async Task InitializeAsync() => h = await ContainerHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    [Fact]
    public async Task A_task_that_ended_well_before_the_state_changed_is_not_sent_again()
    {
        // An HA-managed CT: the hastart task ends OK at once, the CT starts a manager round (HaDelay, 10 s) later.
        h.AddContainer(101, "pve1", running: false).HaManaged = true;
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.TaskEndedAsync(container.Status.Operation!.Upid!);

        for (var i = 0; i < 5; i++)
        {
            h.Clock.Advance(TimeSpan.FromSeconds(1));
            await h.ReconcileAsync(container);
        }

        Assert.Equal(1, h.PowerActions("start"));
        Assert.Equal(("False", Reasons.Observing), Ready(container));
        Assert.True(IsReconciling(container));

        h.Clock.Advance(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => h.Cluster.GetContainer(101)!.Running, "the HA manager started CT 101");
        await h.ReconcileAsync(container);
        Assert.Equal(("True", Reasons.Running), Ready(container));
    }

    [Fact]
    public async Task If_the_state_never_changes_the_action_is_tried_again_after_the_hold()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        await h.EndTaskAsync(container);
        h.Cluster.SetContainerStatus(101, running: false); // its init exited at once: the start had no lasting effect
        await h.ReconcileAsync(container);
        Assert.Equal(1, h.PowerActions("start"));

        h.Clock.Advance(h.Settings.UnknownOutcomeHold + TimeSpan.FromSeconds(1));
        await h.ReconcileAsync(container);

        Assert.Equal(2, h.PowerActions("start"));
    }

    [Fact]
    public async Task A_spec_flipped_right_after_an_action_took_effect_is_acted_on_at_once()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Container(101, PowerState.Stopped);
        await h.ReconcileAsync(container);
        await h.EndTaskAsync(container);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.ReconcileAsync(container);
        Assert.Equal(("True", Reasons.Stopped), Ready(container));

        // Well within the hold after the shutdown succeeded, the user wants it running again.
        container.Spec.PowerState = PowerState.Running;
        container.Metadata.Generation = 2;
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.ReconcileAsync(container);

        Assert.Equal(1, h.PowerActions("start"));
        Assert.Equal(("False", Reasons.Starting), Ready(container));
    }

    [Fact]
    public async Task A_restarted_operator_does_not_poll_long_running_containers_for_addresses()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Container(101);
        container.Status = new LxcContainerStatus { Running = true, State = "running", Node = "pve1", IpAddresses = ["fd00::1"] };

        for (var i = 0; i < 5; i++)
        {
            await h.ReconcileAsync(container);
            h.Clock.Advance(h.Settings.DhcpRetryInterval);
        }

        // No IPv4 (a v6-only CT), but it was running before the restart: no DHCP retries, and the first refresh is
        // spread over the refresh interval rather than made at once.
        Assert.Equal(0, h.Counters.Get(PveCalls.Interfaces));
    }
}
