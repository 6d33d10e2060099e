using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using PveOperator.Runtime;
using PveOperator.Tests.Runtime.Fakes;

namespace PveOperator.Tests.Runtime;

public sealed class EventAggregatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private static EventIdentity Identity(string reason = "Started", string message = "ok", string name = "a") =>
        new("uid-" + name, "Widget", "default", name, EventType.Normal, reason, message);

    [Fact]
    public void A_first_event_is_new()
    {
        var aggregator = new EventAggregator(10, Window);

        var result = aggregator.Observe(Identity(), Start, "a.1");

        Assert.Equal(new EventAggregation(true, "a.1", 1, Start), result);
    }

    [Fact]
    public void A_repeat_within_the_window_raises_the_count_of_the_same_event()
    {
        var aggregator = new EventAggregator(10, Window);
        aggregator.Observe(Identity(), Start, "a.1");

        var second = aggregator.Observe(Identity(), Start.AddMinutes(5), "a.2");
        var third = aggregator.Observe(Identity(), Start.AddMinutes(14), "a.3");

        Assert.Equal(new EventAggregation(false, "a.1", 2, Start), second);
        Assert.Equal(new EventAggregation(false, "a.1", 3, Start), third);
    }

    [Fact]
    public void A_repeat_after_the_window_is_a_new_event()
    {
        var aggregator = new EventAggregator(10, Window);
        aggregator.Observe(Identity(), Start, "a.1");

        var later = aggregator.Observe(Identity(), Start + Window + TimeSpan.FromSeconds(1), "a.2");

        Assert.True(later.IsNew);
        Assert.Equal("a.2", later.EventName);
        Assert.Equal(1, later.Count);
    }

    [Theory]
    [InlineData("Other", "ok", "a")]
    [InlineData("Started", "different", "a")]
    [InlineData("Started", "ok", "b")]
    public void Events_differing_in_object_reason_or_message_are_separate(string reason, string message, string name)
    {
        var aggregator = new EventAggregator(10, Window);
        aggregator.Observe(Identity(), Start, "a.1");

        Assert.True(aggregator.Observe(Identity(reason, message, name), Start, "x.2").IsNew);
    }

    [Fact]
    public void The_type_tells_events_apart()
    {
        var aggregator = new EventAggregator(10, Window);
        aggregator.Observe(Identity(), Start, "a.1");

        Assert.True(aggregator.Observe(Identity() with { Type = EventType.Warning }, Start, "a.2").IsNew);
    }

    [Fact]
    public void The_least_recently_used_event_is_forgotten_first()
    {
        var aggregator = new EventAggregator(2, Window);
        aggregator.Observe(Identity(name: "a"), Start, "a.1");
        aggregator.Observe(Identity(name: "b"), Start, "b.1");
        aggregator.Observe(Identity(name: "a"), Start, "a.2");

        aggregator.Observe(Identity(name: "c"), Start, "c.1");

        Assert.Equal(2, aggregator.Count);
        Assert.False(aggregator.Observe(Identity(name: "a"), Start, "a.3").IsNew);
        Assert.True(aggregator.Observe(Identity(name: "b"), Start, "b.2").IsNew);
    }

    [Fact]
    public void A_forgotten_event_starts_over()
    {
        var aggregator = new EventAggregator(10, Window);
        aggregator.Observe(Identity(), Start, "a.1");

        aggregator.Forget(Identity(), "a.1");

        Assert.Equal(new EventAggregation(true, "a.2", 1, Start), aggregator.Observe(Identity(), Start, "a.2"));
    }

    [Fact]
    public async Task The_recorder_never_throws_when_the_api_server_is_unreachable()
    {
        using var unreachable = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        var recorder = new EventRecorder(unreachable, NullLogger<EventRecorder>.Instance);

        await recorder.WarningAsync(Widget.Named("a"), "Failed", "it broke");
        await recorder.WarningAsync(Widget.Named("a"), "Failed", "it broke");
    }
}
