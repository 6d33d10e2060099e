namespace PveOperator.Runtime;

/// <summary>
/// The aggregator's answer for one event: create <see cref="EventName"/> (count 1), or raise the
/// existing event's count to <see cref="Count"/>.
/// </summary>
internal readonly record struct EventAggregation(bool IsNew, string EventName, int Count, DateTimeOffset FirstSeen);
