/// Pure numerics: classification metrics, agreement, drift, resampling (see DESIGN.md "Numbers").
public enum Statistics {}
