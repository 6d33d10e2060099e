using PveOperator.Entities;

namespace PveOperator.Tests.Entities;

public sealed class DurationFormatTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("2h1m", 7_260_000)]
    public void Parses_go_style_durations(string text, double milliseconds)
    {
        Assert.True(DurationFormat.TryParse(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("-5s")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData(null)]
    public void Rejects_what_is_not_a_duration(string? text) => Assert.False(DurationFormat.TryParse(text, out _));

    [Theory]
    [InlineData(90_000, "1m30s")]
    [InlineData(250, "250ms")]
    [InlineData(3_600_000, "1h")]
    public void Formats_round_trip(double milliseconds, string expected)
    {
        var text = DurationFormat.Format(TimeSpan.FromMilliseconds(milliseconds));
        Assert.Equal(expected, text);
        Assert.True(DurationFormat.TryParse(text, out var parsed));
        Assert.Equal(milliseconds, parsed.TotalMilliseconds);
    }
}
