using System.Text.Json.Serialization;

namespace PveOperator.Entities;

/// <summary>What the operator asked PVE to do. The lifecycle adds create, clone, configure, resize, migrate and destroy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OperationType>))]
public enum OperationType
{
    [JsonStringEnumMemberName("start")]
    Start,
    [JsonStringEnumMemberName("shutdown")]
    Shutdown,
}
