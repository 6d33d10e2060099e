using System.Text.Json.Serialization;

namespace PveOperator.Entities;

/// <summary>What the operator asked PVE to do.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OperationType>))]
public enum OperationType
{
    [JsonStringEnumMemberName("start")]
    Start,
    [JsonStringEnumMemberName("shutdown")]
    Shutdown,
    [JsonStringEnumMemberName("create")]
    Create,
    [JsonStringEnumMemberName("clone")]
    Clone,
    [JsonStringEnumMemberName("destroy")]
    Destroy,
    [JsonStringEnumMemberName("resize")]
    Resize,
    [JsonStringEnumMemberName("restart")]
    Restart,
    [JsonStringEnumMemberName("migrate")]
    Migrate,
}
