using Microsoft.Extensions.Time.Testing;
using Prometheus;
using PveOperator.Runtime;

namespace PveOperator.Tests.Runtime;

public sealed class WorkQueueTests : IDisposable
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider clock = new();
    private readonly WorkQueue<string> queue;

    public WorkQueueTests()
    {
        queue = new WorkQueue<string>(new ExponentialBackoffRateLimiter<string>(), clock);
    }

    public void Dispose() => queue.Dispose();

    [Fact]
    public async Task Hands_out_items_in_the_order_they_were_added()
    {
        queue.Add("a");
        queue.Add("b");

        Assert.Equal("a", await GetAsync());
        Assert.Equal("b", await GetAsync());
    }

    [Fact]
    public async Task An_item_added_twice_while_waiting_is_queued_once()
    {
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await GetAsync());
        Assert.Equal("b", await GetAsync());
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task An_item_in_process_is_not_handed_to_a_second_worker()
    {
        queue.Add("a");
        var first = await GetAsync();

        queue.Add("a");
        var second = queue.GetAsync(CancellationToken.None);

        Assert.Equal("a", first);
        await Eventually.ConsistentlyAsync(() => !second.IsCompleted, "the second worker is not given the item in process", Eventually.BriefWhile);
        Assert.Equal(0, queue.Count);

        queue.Done("a");
        Assert.Equal("a", await second.WaitAsync(LongWait));
    }

    [Fact]
    public async Task An_item_added_several_times_while_in_process_is_processed_once_more()
    {
        queue.Add("a");
        await GetAsync();
        queue.Add("a");
        queue.Add("a");

        queue.Done("a");

        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await GetAsync());
        queue.Done("a");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Low_priority_items_wait_behind_items_added_normally_after_them()
    {
        queue.AddLowPriority("bulk1");
        queue.AddLowPriority("bulk2");
        queue.Add("poll");

        Assert.Equal(3, queue.Count);
        Assert.Equal("poll", await GetAsync());
        Assert.Equal("bulk1", await GetAsync());
        Assert.Equal("bulk2", await GetAsync());
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_normal_add_moves_a_waiting_low_priority_item_forward_and_it_is_handed_out_once()
    {
        queue.AddLowPriority("bulk1");
        queue.AddLowPriority("change");
        queue.Add("poll");
        queue.Add("change");

        Assert.Equal(3, queue.Count);
        Assert.Equal("poll", await GetAsync());
        Assert.Equal("change", await GetAsync());
        Assert.Equal("bulk1", await GetAsync());
        Assert.Equal(0, queue.Count);
        queue.Done("change");
        var nothingLeft = queue.GetAsync(CancellationToken.None);
        await Eventually.ConsistentlyAsync(() => !nothingLeft.IsCompleted, "nothing is left to hand out", Eventually.BriefWhile);
    }

    [Fact]
    public async Task A_low_priority_add_does_not_move_a_normally_queued_item_back()
    {
        queue.Add("poll");
        queue.AddLowPriority("bulk1");
        queue.AddLowPriority("poll");
        queue.Add("next");

        Assert.Equal("poll", await GetAsync());
        Assert.Equal("next", await GetAsync());
        Assert.Equal("bulk1", await GetAsync());
    }

    [Fact]
    public async Task An_item_in_process_added_low_then_normally_comes_back_in_the_normal_lane()
    {
        queue.Add("a");
        await GetAsync();
        queue.AddLowPriority("bulk1");
        queue.AddLowPriority("a");
        queue.Add("a");

        queue.Done("a");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await GetAsync());
        Assert.Equal("bulk1", await GetAsync());
    }

    [Fact]
    public async Task An_item_in_process_added_only_low_comes_back_in_the_low_lane()
    {
        queue.Add("a");
        await GetAsync();
        queue.AddLowPriority("a");
        queue.Add("b");

        queue.Done("a");

        Assert.Equal("b", await GetAsync());
        Assert.Equal("a", await GetAsync());
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Done_without_a_new_add_does_not_requeue()
    {
        queue.Add("a");
        await GetAsync();

        queue.Done("a");

        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_waiting_worker_wakes_when_an_item_arrives()
    {
        var waiting = queue.GetAsync(CancellationToken.None);
        await Eventually.ConsistentlyAsync(() => !waiting.IsCompleted, "the worker waits while the queue is empty", Eventually.BriefWhile);

        queue.Add("a");

        Assert.Equal("a", await waiting.WaitAsync(LongWait));
    }

    [Fact]
    public async Task AddAfter_adds_the_item_once_the_delay_has_passed()
    {
        queue.AddAfter("a", TimeSpan.FromSeconds(10));

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, queue.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await GetAsync());
    }

    [Fact]
    public async Task AddAfter_keeps_the_earliest_pending_delay()
    {
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(2));
        queue.AddAfter("a", TimeSpan.FromSeconds(30));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, queue.Count);

        // The replaced timers must not add the item a second time later.
        await TakeAndFinishAsync("a");
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void AddAfter_with_no_delay_adds_at_once()
    {
        queue.AddAfter("a", TimeSpan.Zero);

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void A_delayed_item_that_is_also_added_directly_is_queued_once()
    {
        queue.AddAfter("a", TimeSpan.FromSeconds(1));
        queue.Add("a");

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task AddRateLimited_backs_off_exponentially_per_item()
    {
        // 5 ms, 10 ms, 20 ms for "a"; "b" starts at 5 ms of its own.
        queue.AddRateLimited("a");
        Assert.Equal(1, queue.NumRequeues("a"));
        clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, queue.Count);
        await TakeAndFinishAsync("a");

        queue.AddRateLimited("a");
        clock.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Equal(0, queue.Count);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);
        await TakeAndFinishAsync("a");

        queue.AddRateLimited("a");
        queue.AddRateLimited("b");
        clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, queue.Count);
        await TakeAndFinishAsync("b");
        clock.Advance(TimeSpan.FromMilliseconds(15));
        Assert.Equal(1, queue.Count);
        Assert.Equal(3, queue.NumRequeues("a"));
    }

    [Fact]
    public async Task Forget_resets_the_backoff()
    {
        queue.AddRateLimited("a");
        queue.AddRateLimited("a");
        Assert.Equal(2, queue.NumRequeues("a"));

        queue.Forget("a");
        Assert.Equal(0, queue.NumRequeues("a"));

        clock.Advance(TimeSpan.FromMilliseconds(5));
        await TakeAndFinishAsync("a");
        queue.AddRateLimited("a");
        clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Backoff_grows_to_the_cap_and_stays_there()
    {
        var limiter = new ExponentialBackoffRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        var delays = Enumerable.Range(0, 200).Select(_ => limiter.When("a")).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(5), delays[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(10), delays[1]);
        Assert.Equal(TimeSpan.FromMilliseconds(5 * 1024), delays[10]);
        Assert.Equal(TimeSpan.FromSeconds(1000), delays[18]);
        Assert.Equal(TimeSpan.FromSeconds(1000), delays[199]);
    }

    [Fact]
    public async Task ShutDown_hands_out_what_is_queued_then_returns_null()
    {
        queue.Add("a");
        queue.ShutDown();
        queue.Add("b");

        Assert.Equal("a", await GetAsync());
        Assert.Null(await GetAsync());
    }

    [Fact]
    public async Task ShutDown_wakes_waiting_workers()
    {
        var waiting = queue.GetAsync(CancellationToken.None);

        queue.ShutDown();

        Assert.Null(await waiting.WaitAsync(LongWait));
    }

    [Fact]
    public void ShutDown_drops_delayed_adds()
    {
        queue.AddAfter("a", TimeSpan.FromSeconds(1));
        queue.ShutDown();

        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task ShutDownWithDrain_waits_for_items_in_process()
    {
        queue.Add("a");
        await GetAsync();

        var drain = queue.ShutDownWithDrainAsync();
        await Eventually.ConsistentlyAsync(() => !drain.IsCompleted, "the drain waits for the item in process", Eventually.BriefWhile);

        queue.Done("a");
        await drain.WaitAsync(LongWait);
    }

    [Fact]
    public async Task ShutDownWithDrain_with_nothing_in_process_completes_at_once()
    {
        await queue.ShutDownWithDrainAsync().WaitAsync(LongWait);
    }

    [Fact]
    public async Task GetAsync_honours_its_cancellation_token()
    {
        using var cancellation = new CancellationTokenSource();
        var waiting = queue.GetAsync(cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(LongWait));
    }

    [Fact]
    public async Task Many_workers_never_process_one_item_at_the_same_time()
    {
        using var realQueue = new WorkQueue<string>(new ExponentialBackoffRateLimiter<string>(), TimeProvider.System);
        var inProcess = new HashSet<string>();
        var overlaps = 0;
        var processed = 0;
        var gate = new Lock();

        async Task Worker()
        {
            while (await realQueue.GetAsync(CancellationToken.None) is { } item)
            {
                lock (gate)
                {
                    if (!inProcess.Add(item))
                    {
                        overlaps++;
                    }
                }

                await Task.Yield();
                lock (gate)
                {
                    inProcess.Remove(item);
                    processed++;
                }

                realQueue.Done(item);
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Worker)).ToArray();
        for (var round = 0; round < 200; round++)
        {
            realQueue.Add($"key-{round % 5}");
        }

        await realQueue.ShutDownWithDrainAsync().WaitAsync(LongWait);
        await Task.WhenAll(workers).WaitAsync(LongWait);

        Assert.Equal(0, overlaps);
        Assert.True(processed >= 5);
    }

    [Fact]
    public async Task Metrics_count_adds_retries_and_depth()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new WorkQueueMetrics(registry, "test");
        using var measured = new WorkQueue<string>(new ExponentialBackoffRateLimiter<string>(), clock, metrics);

        measured.Add("a");
        measured.Add("a");
        measured.Add("b");
        Assert.Equal(2, metrics.Depth.Value);
        Assert.Equal(2, metrics.Adds.Value);

        var item = await measured.GetAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1));
        measured.Done(item!);
        measured.AddRateLimited("c");

        Assert.Equal(1, metrics.Depth.Value);
        Assert.Equal(1, metrics.Retries.Value);
        Assert.Equal(1, metrics.QueueDuration.Count);
        Assert.Equal(1, metrics.WorkDuration.Count);
        Assert.Equal(1.0, metrics.WorkDuration.Sum, 3);
    }

    private async Task<string?> GetAsync() => await queue.GetAsync(CancellationToken.None).WaitAsync(LongWait);

    private async Task TakeAndFinishAsync(string expected)
    {
        var item = await GetAsync();
        Assert.Equal(expected, item);
        queue.Done(item!);
    }
}
