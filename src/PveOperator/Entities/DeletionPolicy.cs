using System.Text.Json.Serialization;

namespace PveOperator.Entities;

/// <summary>What deleting an LxcContainer does to its Proxmox VE container.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeletionPolicy>))]
public enum DeletionPolicy
{
    /// <summary>Leave the container as it is.</summary>
    Orphan,

    /// <summary>Shut it down, then let go.</summary>
    Stop,

    /// <summary>Shut it down, then destroy it with its disks, but only when it carries this resource's owner mark.</summary>
    Delete,
}
