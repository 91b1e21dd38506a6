/**
 * Schedulers: which real server a NEW connection goes to (ipvsadm's {@code -s}). The control plane
 * builds a {@link io.wirespeed.lb.sched.SchedulerPlan} per service snapshot (immutable, shared by
 * all workers: destination arrays, Maglev table, hash ring); each worker asks the plan for its own
 * {@link io.wirespeed.lb.sched.Scheduler} bound to its own {@link io.wirespeed.lb.sched.DestinationLoad},
 * so round-robin positions, overload flags and connection counts are never shared between cores.
 * {@code select} allocates nothing and never throws; see docs/schedulers.md.
 */
package io.wirespeed.lb.sched;
