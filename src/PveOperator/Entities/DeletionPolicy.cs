using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[JsonConverter(typeof(JsonStringEnumConverter<DeletionPolicy>))]
public enum DeletionPolicy
{
    Orphan,
    Stop,
}
