using Xunit;

namespace PveOperator.Testing;

/// <summary>
/// The one way tests wait: poll a condition until it holds (<see cref="TrueAsync(Func{bool}, string, TimeSpan?)"/>) or check
/// that it keeps holding (<see cref="ConsistentlyAsync(Func{bool}, string, TimeSpan)"/>). Shared by the unit and the
/// integration tests as a linked source file. The timeouts are only a safety net for a test that would otherwise hang:
/// no test passes or fails because something took a certain time.
/// </summary>
internal static class Eventually
{
    /// <summary>How long a condition may take to hold before the test fails.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a unit test watches for something that must not happen (a reaction would come within milliseconds).</summary>
    public static readonly TimeSpan BriefWhile = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls until the condition holds; fails the test after the timeout.</summary>
    public static Task TrueAsync(Func<bool> condition, string? because = null, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), because, timeout);

    /// <inheritdoc cref="TrueAsync(Func{bool}, string, TimeSpan?)"/>
    public static Task TrueAsync(Func<Task<bool>> condition, string? because = null, TimeSpan? timeout = null) =>
        TrueAsync(condition, () => because ?? "the condition held", timeout);

    /// <summary>As <see cref="TrueAsync(Func{Task{bool}}, string, TimeSpan?)"/>, with a message made when the wait fails (what is still missing).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> because, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        var interval = PollInterval;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting until {because()}.");
            }

            await Task.Delay(interval);
            interval = interval * 2 < MaxPollInterval ? interval * 2 : MaxPollInterval;
        }
    }

    /// <summary>Waits until the task has completed, then awaits it (so its failure fails the test).</summary>
    public static async Task CompletesAsync(Task task, string because, TimeSpan? timeout = null)
    {
        await TrueAsync(() => task.IsCompleted, because, timeout);
        await task;
    }

    /// <summary>Polls until <paramref name="read"/> returns a value that is not null; returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> read, string? because = null, TimeSpan? timeout = null) where T : class
    {
        T? value = null;
        await TrueAsync(async () => (value = await read()) is not null, because, timeout);
        return value!;
    }

    /// <summary>
    /// Waits until <paramref name="read"/> returns the same value for <paramref name="quiet"/> in a row (reactions to
    /// earlier changes have died down) and returns it.
    /// </summary>
    public static async Task<T> SettledAsync<T>(Func<T> read, string what, TimeSpan quiet, TimeSpan? timeout = null)
    {
        var comparer = EqualityComparer<T>.Default;
        var value = read();
        var since = DateTime.UtcNow;
        await TrueAsync(() =>
        {
            var now = read();
            if (!comparer.Equals(now, value))
            {
                (value, since) = (now, DateTime.UtcNow);
            }

            return DateTime.UtcNow - since >= quiet;
        }, $"{what} settled", timeout);
        return value;
    }

    /// <summary>Checks that the condition keeps holding for the whole <paramref name="duration"/>; fails the test the moment it does not.</summary>
    public static Task ConsistentlyAsync(Func<bool> condition, string because, TimeSpan duration) =>
        ConsistentlyAsync(() => Task.FromResult(condition()), because, duration);

    /// <inheritdoc cref="ConsistentlyAsync(Func{bool}, string, TimeSpan)"/>
    public static async Task ConsistentlyAsync(Func<Task<bool>> condition, string because, TimeSpan duration)
    {
        var deadline = DateTime.UtcNow + duration;
        do
        {
            if (!await condition())
            {
                Assert.Fail($"Expected {because} throughout {duration.TotalSeconds:0.#} s, but it stopped holding.");
            }

            await Task.Delay(MaxPollInterval);
        }
        while (DateTime.UtcNow < deadline);
    }
}
