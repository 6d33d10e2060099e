using System.Text.Json.Serialization;

namespace PveOperator.Entities;

/// <summary>Whether the operator may write to PVE for a resource.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ManagementPolicy>))]
public enum ManagementPolicy
{
    /// <summary>Create, power, destroy as the spec says.</summary>
    Full,

    /// <summary>Observe and report only: nothing is ever written to PVE.</summary>
    ObserveOnly,
}
