using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PveOperator.Tests.Proxmox;

/// <summary>Keeps every log line at every level, formatted, with its exception text and structured values.</summary>
internal sealed class CapturingLogger : ILogger, ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public string AllText => string.Join('\n', Lines);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull
    {
        Lines.Enqueue($"scope: {state}");
        return null;
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : "";
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)} | {values} | {exception}");
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }
}
