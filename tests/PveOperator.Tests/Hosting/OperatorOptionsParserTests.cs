using PveOperator.Hosting;

namespace PveOperator.Tests.Hosting;

public sealed class OperatorOptionsParserTests
{
    [Fact]
    public void Reads_controller_runtime_style_flags()
    {
        var options = OperatorOptionsParser.Parse(["--leader-elect", "--metrics-bind-address=:9090", "--health-probe-bind-address", "127.0.0.1:9091", "--max-concurrent-reconciles=8", "--log-format", "json"]);
        Assert.True(options.LeaderElect);
        Assert.Equal(":9090", options.MetricsBindAddress);
        Assert.Equal("127.0.0.1:9091", options.HealthProbeBindAddress);
        Assert.Equal(8, options.MaxConcurrentReconciles);
        Assert.True(options.JsonLogs);
        Assert.Null(options.IpRefreshPerMinute);
        Assert.Equal(0, OperatorOptionsParser.Parse(["--ip-refresh-per-minute=0"]).IpRefreshPerMinute);
        Assert.Equal(30, OperatorOptionsParser.Parse(["--ip-refresh-per-minute", "30"]).IpRefreshPerMinute);
    }

    [Fact]
    public void Config_refresh_flags_take_a_duration_or_zero_and_a_budget()
    {
        var options = OperatorOptionsParser.Parse(["--config-refresh-interval", "0", "--config-refresh-per-minute", "5", "--log-format", "json"]);
        Assert.Equal(TimeSpan.Zero, options.ConfigRefreshInterval);
        Assert.Equal(5, options.ConfigRefreshPerMinute);
        Assert.True(options.JsonLogs);
        Assert.Equal(TimeSpan.FromMinutes(30), OperatorOptionsParser.Parse(["--config-refresh-interval=30m"]).ConfigRefreshInterval);
    }

    [Fact]
    public void Defaults_without_flags()
    {
        var options = OperatorOptionsParser.Parse([]);
        Assert.False(options.LeaderElect);
        Assert.Equal(":8080", options.MetricsBindAddress);
        Assert.Equal(4, options.MaxConcurrentReconciles);
    }

    [Fact]
    public void Boolean_flag_takes_an_explicit_value() =>
        Assert.False(OperatorOptionsParser.Parse(["--leader-elect=false"]).LeaderElect);

    [Theory]
    [InlineData("--max-concurrent-reconciles=0", "positive integer")]
    [InlineData("--nope", "unknown flag --nope")]
    [InlineData("--kubeconfig", "needs a value")]
    [InlineData("--log-format=xml", "text or json")]
    public void Explains_bad_flags(string flag, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => OperatorOptionsParser.Parse([flag]));
        Assert.Contains(expected, error.Message);
    }
}
