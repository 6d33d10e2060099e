namespace PveOperator.IntegrationTests.Infrastructure;

internal static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls until the condition holds; fails the test after the timeout.</summary>
    public static async Task UntilAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        await UntilAsync(() => Task.FromResult(condition()), because, timeout);
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {because}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Checks that the condition keeps holding for the whole <paramref name="duration"/>; fails the test the moment it does not.</summary>
    public static async Task ConsistentlyAsync(Func<bool> condition, string because, TimeSpan duration)
    {
        var deadline = DateTime.UtcNow + duration;
        do
        {
            if (!condition())
            {
                Assert.Fail($"Expected {because} throughout {duration.TotalSeconds:0.#} s, but it stopped holding.");
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);
    }
}
