namespace PveOperator.Entities;

public enum ResourceScope
{
    Namespaced,
    Cluster,
}
