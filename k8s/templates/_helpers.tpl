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
