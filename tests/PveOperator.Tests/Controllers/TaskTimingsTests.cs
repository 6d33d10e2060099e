using PveOperator.Controllers;

namespace PveOperator.Tests.Controllers;

public sealed class TaskTimingsTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(1);

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Without_a_task_seen_ending_polls_keep_the_fixed_interval()
    {
        var timings = new TaskTimings();
        Assert.Null(timings.Estimate("start"));
        Assert.Equal(Max, timings.NextPoll("start", TimeSpan.Zero, Min, Max));
        Assert.Equal(Max, timings.NextPoll("start", Ms(3000), Min, Max));
    }

    [Fact]
    public void A_task_is_polled_when_such_tasks_usually_end_then_soon_then_less_often()
    {
        var timings = new TaskTimings();
        // Seen running at 1.9 s and ended at 2.1 s: it ended about 2 s after the POST.
        timings.Observe("start", Ms(1900), Ms(2100), Min);

        Assert.Equal(Ms(2000), timings.Estimate("start"));
        Assert.Equal(Max, timings.NextPoll("start", TimeSpan.Zero, Min, Max));
        Assert.Equal(Ms(500), timings.NextPoll("start", Ms(1500), Min, Max));
        Assert.Equal(Min, timings.NextPoll("start", Ms(2000), Min, Max));
        Assert.Equal(Ms(400), timings.NextPoll("start", Ms(2800), Min, Max));
        Assert.Equal(Max, timings.NextPoll("start", Ms(60_000), Min, Max));
        // Other actions have their own timings.
        Assert.Equal(Max, timings.NextPoll("shutdown", Ms(2000), Min, Max));
    }

    [Fact]
    public void A_task_found_ended_at_the_first_look_pulls_the_estimate_earlier()
    {
        var timings = new TaskTimings();
        timings.Observe("start", TimeSpan.Zero, Ms(1000), Min);
        Assert.Equal(Ms(900), timings.Estimate("start"));

        timings.Observe("start", TimeSpan.Zero, Ms(900), Min);
        Assert.True(timings.Estimate("start") < Ms(900));
    }

    [Fact]
    public void Nonsense_observations_are_ignored()
    {
        var timings = new TaskTimings();
        timings.Observe("start", Ms(500), Ms(400), Min);
        timings.Observe("start", TimeSpan.Zero, TimeSpan.FromHours(1), Min);
        timings.Observe("start", TimeSpan.Zero, TimeSpan.Zero, Min);
        Assert.Null(timings.Estimate("start"));
    }
}
