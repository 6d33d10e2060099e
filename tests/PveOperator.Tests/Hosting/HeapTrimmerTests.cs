using Microsoft.Extensions.Logging.Abstractions;
using PveOperator.Hosting;

namespace PveOperator.Tests.Hosting;

public sealed class HeapTrimmerTests
{
    [Fact]
    public void Collects_only_once_more_than_the_slack_was_allocated_since_the_last_trim()
    {
        var trimmer = new HeapTrimmer(NullLogger<HeapTrimmer>.Instance, TimeProvider.System);
        var fullCollections = GC.CollectionCount(GC.MaxGeneration);

        // The test process allocated far more than the slack before this: the first look trims.
        Assert.True(trimmer.TrimIfWorthIt());
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > fullCollections);

        Assert.False(trimmer.TrimIfWorthIt());

        var burst = new byte[HeapTrimmer.Slack + 1024 * 1024];
        GC.KeepAlive(burst);
        Assert.True(trimmer.TrimIfWorthIt());
    }
}
