{{- define "heyyo.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "heyyo.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector of one role's pods: (dict "root" $ "role" "api") */}}
{{- define "heyyo.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{- define "heyyo.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "heyyo.fullname" .)) -}}
{{- end -}}

{{- define "heyyo.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The environment every container gets: the shared settings and the credentials. */}}
{{- define "heyyo.envFrom" -}}
- configMapRef:
    name: {{ include "heyyo.fullname" . }}-env
- secretRef:
    name: {{ include "heyyo.secretName" . }}
{{- end -}}

{{/*
Seconds Kubernetes waits after SIGTERM before it kills a pod: the node's own shutdown grace
(HEYYO_SHUTDOWN_DRAIN_MS + HEYYO_SHUTDOWN_CLOSE_MS, the node's defaults when unset; config.shutdown.graceMs),
rounded up, plus 2 s: the node's 1 s backstop after its grace, and its exit. Computed from the
same settings the node reads, so the kubelet's SIGKILL never cuts an orderly shutdown short.
*/}}
{{- define "heyyo.terminationGracePeriodSeconds" -}}
{{- $drainMs := atoi (toString (index .Values.env "HEYYO_SHUTDOWN_DRAIN_MS" | default "10000")) -}}
{{- $closeMs := atoi (toString (index .Values.env "HEYYO_SHUTDOWN_CLOSE_MS" | default "10000")) -}}
{{- add (div (add $drainMs $closeMs 999) 1000) 2 -}}
{{- end -}}
