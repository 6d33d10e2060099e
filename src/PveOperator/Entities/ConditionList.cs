using k8s.Models;

namespace PveOperator.Entities;

/// <summary>Sets and removes conditions so that lastTransitionTime moves only when the status changes.</summary>
public static class ConditionList
{
    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type)
        => conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>Returns a new list with the condition set; unchanged conditions keep their transition time.</summary>
    public static List<V1Condition> Set(
        IReadOnlyList<V1Condition>? conditions,
        string type,
        string status,
        string reason,
        string message,
        long? observedGeneration,
        DateTime now)
    {
        var result = conditions is null ? new List<V1Condition>() : conditions.Where(c => c.Type != type).ToList();
        var previous = Find(conditions, type);
        var transitionTime = previous is not null && previous.Status == status ? previous.LastTransitionTime : now;
        result.Add(new V1Condition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            ObservedGeneration = observedGeneration,
            LastTransitionTime = transitionTime,
        });
        return Order(result);
    }

    public static List<V1Condition> Remove(IReadOnlyList<V1Condition>? conditions, string type)
        => conditions is null ? [] : Order(conditions.Where(c => c.Type != type).ToList());

    // A stable order keeps the serialized status identical when nothing changed, so no needless write happens.
    private static List<V1Condition> Order(List<V1Condition> conditions)
        => conditions.OrderBy(c => c.Type switch
        {
            ConditionTypes.Ready => 0,
            ConditionTypes.Reconciling => 1,
            ConditionTypes.Stalled => 2,
            _ => 3,
        }).ThenBy(c => c.Type, StringComparer.Ordinal).ToList();
}
