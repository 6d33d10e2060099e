using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Infrastructure;

/// <summary>Sends the runtime's logs to the test's output, shown when a test fails.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, string prefix = "") : ILoggerProvider
{
    private readonly DateTime start = DateTime.UtcNow;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, string message, Exception? exception)
    {
        try
        {
            output.WriteLine($"{(DateTime.UtcNow - start).TotalSeconds,7:F3} {prefix}{level,-11} {category}: {message}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
        }
        catch (InvalidOperationException)
        {
            // The test has already finished; its output is closed.
        }
    }

    private sealed class Logger(TestOutputLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Write(category, logLevel, formatter(state, exception), exception);
    }
}
