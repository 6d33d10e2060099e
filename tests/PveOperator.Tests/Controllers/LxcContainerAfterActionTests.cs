using PveOperator.Controllers;
using PveOperator.Entities;
using static PveOperator.Tests.Controllers.ContainerHarness;

namespace PveOperator.Tests.Controllers;

/// <summary>What happens right after a power action succeeded but before PVE shows its effect (HA-managed CTs).</summary>
public sealed class LxcContainerAfterActionTests : IDisposable
{
    private readonly ContainerHarness h = new();

    public void Dispose() => h.Dispose();

    [Fact]
    public async Task A_task_that_ended_well_before_the_state_changed_is_not_sent_again()
    {
        h.Pve.AddContainer(101, "pve1", "stopped");
        h.Sync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        // As for an HA-managed CT: the hastart task ends OK at once, the CT starts a manager round later.
        h.Pve.Tasks[h.Pve.Issued[0].Raw].ExitStatus = "OK";

        for (var i = 0; i < 5; i++)
        {
            h.Clock.Advance(TimeSpan.FromSeconds(1));
            await h.ReconcileAsync(container);
        }

        Assert.Equal(1, h.Pve.CountOf("start"));
        Assert.Equal(("False", Reasons.Observing), Ready(container));
        Assert.True(IsReconciling(container));

        h.Pve.Containers[101].Status = "running";
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.ReconcileAsync(container);
        Assert.Equal(("True", Reasons.Running), Ready(container));
    }

    [Fact]
    public async Task If_the_state_never_changes_the_action_is_tried_again_after_the_hold()
    {
        h.Pve.AddContainer(101, "pve1", "stopped");
        h.Sync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        h.Pve.Tasks[h.Pve.Issued[0].Raw].ExitStatus = "OK";
        await h.ReconcileAsync(container);

        h.Clock.Advance(h.Settings.UnknownOutcomeHold + TimeSpan.FromSeconds(1));
        await h.ReconcileAsync(container);

        Assert.Equal(2, h.Pve.CountOf("start"));
    }

    [Fact]
    public async Task A_spec_flipped_right_after_an_action_took_effect_is_acted_on_at_once()
    {
        h.Pve.AddContainer(101, "pve1", "running");
        h.Sync();
        var container = Container(101, PowerState.Stopped);
        await h.ReconcileAsync(container);
        h.Pve.Finish(h.Pve.Issued[0]);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.ReconcileAsync(container);
        Assert.Equal(("True", Reasons.Stopped), Ready(container));

        // Well within the hold after the shutdown succeeded, the user wants it running again.
        container.Spec.PowerState = PowerState.Running;
        container.Metadata.Generation = 2;
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.ReconcileAsync(container);

        Assert.Equal(1, h.Pve.CountOf("start"));
        Assert.Equal(("False", Reasons.Starting), Ready(container));
    }

    [Fact]
    public async Task A_restarted_operator_does_not_poll_long_running_containers_for_addresses()
    {
        h.Pve.AddContainer(101, "pve1", "running");
        h.Sync();
        var container = Container(101);
        container.Status = new LxcContainerStatus { Running = true, State = "running", Node = "pve1", IpAddresses = ["fd00::1"] };

        for (var i = 0; i < 5; i++)
        {
            await h.ReconcileAsync(container);
            h.Clock.Advance(h.Settings.DhcpRetryInterval);
        }

        // No IPv4 (a v6-only CT), but it was running before the restart: no DHCP retries, and the first refresh is
        // spread over the refresh interval rather than made at once.
        Assert.Equal(0, h.Pve.CountOf("addresses"));
    }
}
