namespace PveOperator.Runtime;

internal enum EntityEventType
{
    Added,
    Modified,
    Deleted,
}
