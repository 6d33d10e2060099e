using System.Text;
using Microsoft.Extensions.Logging;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>Keeps every log line (any level) so tests can scan it, e.g. for a leaked secret.</summary>
internal sealed class CapturingLoggerProvider(StringBuilder sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(sink, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(StringBuilder sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (sink)
            {
                sink.Append(logLevel).Append(' ').Append(category).Append(": ").AppendLine(formatter(state, exception));
                if (exception is not null)
                {
                    sink.AppendLine(exception.ToString());
                }
            }
        }
    }
}
