using Microsoft.Extensions.Time.Testing;
using PveOperator.Controllers;

namespace PveOperator.Tests.Controllers;

public sealed class NodeActionSlotsTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly List<string> woken = [];

    private NodeActionSlots Slots(int max) => new(max, key => woken.Add(key), clock);

    [Fact]
    public void A_released_slot_wakes_the_first_waiter_and_is_kept_for_it()
    {
        var slots = Slots(1);
        Assert.True(slots.TryAcquire("pve1", "a"));
        Assert.False(slots.TryAcquire("pve1", "b"));
        Assert.False(slots.TryAcquire("pve1", "c"));
        Assert.Equal(2, slots.Waiting("pve1"));

        slots.Release("a");

        Assert.Equal(["b"], woken);
        // Kept for b: c, looking again on its own, does not take it.
        Assert.False(slots.TryAcquire("pve1", "c"));
        Assert.True(slots.TryAcquire("pve1", "b"));
        Assert.Equal(1, slots.InUse("pve1"));
        Assert.Equal(1, slots.Waiting("pve1"));
    }

    [Fact]
    public void A_wake_not_taken_up_passes_to_the_next_waiter()
    {
        var slots = Slots(1);
        slots.TryAcquire("pve1", "a");
        slots.TryAcquire("pve1", "b");
        slots.TryAcquire("pve1", "c");
        slots.Release("a");

        // b no longer needs a slot (it found its container already running): the slot goes on to c at once.
        slots.Release("b");
        Assert.Equal(["b", "c"], woken);

        // c's reconcile never comes: after the grace period the slot is free for anyone.
        clock.Advance(NodeActionSlots.WakeGrace + TimeSpan.FromMilliseconds(20));
        Assert.True(slots.TryAcquire("pve1", "d"));
    }

    [Fact]
    public void Nodes_have_their_own_slots_and_lines()
    {
        var slots = Slots(1);
        Assert.True(slots.TryAcquire("pve1", "a"));
        Assert.True(slots.TryAcquire("pve2", "b"));
        Assert.False(slots.TryAcquire("pve2", "c"));

        slots.Release("a");

        Assert.Empty(woken);
        slots.Release("b");
        Assert.Equal(["c"], woken);
    }

    [Fact]
    public void Without_a_wake_callback_waiters_just_find_the_slot_on_their_next_look()
    {
        var slots = new NodeActionSlots(1);
        slots.TryAcquire("pve1", "a");
        Assert.False(slots.TryAcquire("pve1", "b"));
        slots.Release("a");
        Assert.True(slots.TryAcquire("pve1", "b"));
    }
}
