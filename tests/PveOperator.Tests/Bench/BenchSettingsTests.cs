using PveOperator.Bench;

namespace PveOperator.Tests.Bench;

public sealed class BenchSettingsTests
{
    [Theory]
    [InlineData(100, 1, 18)]        // ceil(100 / 12) × 2 s
    [InlineData(3000, 1, 500)]      // ceil(3000 / 12) × 2 s
    [InlineData(10_000, 10, 168)]   // ceil(10,000 / (10 × 3 × 4)) × 2 s
    public void The_full_run_spreads_ten_thousand_over_ten_providers_and_its_physical_limit_counts_them(int size, int providers, double limitSeconds)
    {
        var full = BenchSettings.Full();

        Assert.Equal(providers, full.ProvidersAt(size));
        Assert.Equal(limitSeconds, full.PhysicalLimit(size).TotalSeconds);
    }

    [Fact]
    public void Providers_given_on_the_command_line_apply_to_every_size()
    {
        var settings = BenchSettings.Quick() with { ProvidersOverride = 10 };

        Assert.Equal(10, settings.ProvidersAt(100));
        Assert.Equal(5, settings.PhysicalLimit(1200).TotalSeconds); // ceil(1200 / 120) × 0.5 s
    }
}
