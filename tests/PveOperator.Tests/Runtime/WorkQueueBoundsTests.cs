using Microsoft.Extensions.Time.Testing;
using PveOperator.Runtime;

namespace PveOperator.Tests.Runtime;

public sealed class WorkQueueBoundsTests
{
    [Fact]
    public void A_delay_beyond_what_a_timer_takes_is_capped_and_later_adds_still_work()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(new ExponentialBackoffRateLimiter<string>(), clock);

        // 2000 days: a timer refuses anything over about 49.7 days.
        queue.AddAfter("provider", TimeSpan.FromDays(2000));
        queue.AddAfter("provider", TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void A_capped_delay_still_comes_due()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(new ExponentialBackoffRateLimiter<string>(), clock);

        queue.AddAfter("provider", TimeSpan.MaxValue);
        clock.Advance(WorkQueue<string>.MaxDelay);

        Assert.Equal(1, queue.Count);
    }
}
