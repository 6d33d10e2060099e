namespace PveOperator.Tests.Runtime;

internal static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Polls until the condition holds; fails the test after <see cref="Timeout"/>.</summary>
    public static async Task True(Func<bool> condition, string? because = null)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Still false after {Timeout}: {because ?? "condition"}");
            }

            await Task.Delay(5);
        }
    }
}
