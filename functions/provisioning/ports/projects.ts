/** Projects (PROJECTS_TABLE_NAME): a tenant's folders of resources. */
export interface ProjectRecord {
  readonly projectId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface Projects {
  /**
   * Creates the project unless its id is taken; then answers the project that holds the id, so the caller can tell a
   * repeat of the same request from a clash.
   */
  create(project: ProjectRecord): Promise<{ created: boolean; project: ProjectRecord }>;
  find(projectId: string): Promise<ProjectRecord | undefined>;
}
